// Module VectorLogicFormat: see README "Architecture".
