// Module VectorLogicEngine: see README "Architecture".
