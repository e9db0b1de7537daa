"""Tests of the recognizers."""
