/** The @herald/sdk version (sent in the `x-pusher-library` header; a test keeps it equal to package.json). */
export const VERSION = '0.1.0';
