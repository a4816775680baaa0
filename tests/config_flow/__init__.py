"""Config flow and options flow tests."""
