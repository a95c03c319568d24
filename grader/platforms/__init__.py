"""Course platforms: the Gradescope autograder and the GitHub Classroom workflow."""
