// Module VectorLogicCLI: see README "Architecture".
