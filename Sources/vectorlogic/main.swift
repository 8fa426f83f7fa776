import VectorLogicCLI

VectorLogicCommand.prepareProcess()
await VectorLogicCommand.runFromCommandLine()
