"""Publishing: what notebooks show (report, charts), and the pages and front page made from it."""
