/*
 * lib/version.h: the capplan version, shown by --version.
 */
#ifndef CAPPLAN_VERSION_H
#define CAPPLAN_VERSION_H

#define CAPPLAN_VERSION "0.1.0"

#endif
