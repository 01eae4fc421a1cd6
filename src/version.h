/* The version, in one place: make SESS_VERSION=X.Y.Z stamps another. */
#ifndef SESS_VERSION
#define SESS_VERSION	"0.1.0"
#endif
