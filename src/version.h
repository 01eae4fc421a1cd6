/* The version, in one place. */
#define SESS_VERSION	"0.1.0"
