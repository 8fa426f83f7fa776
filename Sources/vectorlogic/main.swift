import VectorLogicCLI

await VectorLogicCommand.main()
