/*
 * banned.h - functions that are easy to misuse, made compile errors
 * (git's banned.h). Use snprintf / wc_buf, memcpy with a known length,
 * strtol-family with error checks, gmtime_r / wc_time_* instead, and
 * wc_qsort (internal.h), which takes an empty array whose base is NULL.
 */
#ifndef WC_BANNED_H
#define WC_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef atoi
#define atoi(s) BANNED(atoi)
#undef atol
#define atol(s) BANNED(atol)
#undef qsort
#define qsort(b, n, s, c) BANNED(qsort)

#endif
