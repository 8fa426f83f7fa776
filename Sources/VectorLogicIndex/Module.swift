// Module VectorLogicIndex: see README "Architecture".
