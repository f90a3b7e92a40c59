/* The smallest program there is: the raw posix_spawn baseline starts it. */
int main(void) { return 0; }
