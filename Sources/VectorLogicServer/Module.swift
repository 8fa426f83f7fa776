// Module VectorLogicServer: see README "Architecture".
