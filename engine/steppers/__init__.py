"""One training step, three ways: the fused exact path, autograd, and the stacked population step."""
