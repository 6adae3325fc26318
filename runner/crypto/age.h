// The age v1 file format (c2sp.org/age) written with OpenSSL 3: keys and recipients
// (age_keys.h) and streaming encryption and decryption (age_stream.h).
#pragma once

#include "crypto/age_keys.h"
#include "crypto/age_stream.h"
