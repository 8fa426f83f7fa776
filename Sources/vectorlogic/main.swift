import VectorLogicCLI

await VectorLogicCommand.runFromCommandLine()
