"""Analyses of a view: the view and its filters, indicators, territories, network, grid, key figures, actor profiles."""
