"""Scoring: roles, behaviour flags with evidence, and the call score. May import audio's types;
never imports service/."""
