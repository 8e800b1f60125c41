"""Exam-date planning: a fast FSRS-6 mirror, the daily exam planner, a simulated learner to
measure it with, and the readiness forecast. Pure Python; only the management command and the
app config import Django."""
