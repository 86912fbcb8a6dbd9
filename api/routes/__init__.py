"""One router per domain concept; each handler: dependencies → one engine call → response model."""
