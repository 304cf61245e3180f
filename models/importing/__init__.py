"""Imports: officials' lists and past attempts from CSV files, validated whole, all or nothing."""
