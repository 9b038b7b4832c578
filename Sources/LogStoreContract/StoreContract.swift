// Store contract suite.
