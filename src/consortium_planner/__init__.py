"""Consortium Planner: model a consortium's capacity, capital and pricing against a tender."""

__version__ = "0.1.0"
