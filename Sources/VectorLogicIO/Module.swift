// Module VectorLogicIO: see README "Architecture".
