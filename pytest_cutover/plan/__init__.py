"""Reading and validating the files a cutover is planned in: the plan, waivers, sign-offs."""
