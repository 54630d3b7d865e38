// Facts about the process and the moment, as records and logs write them.
#pragma once

#include <string>

namespace xstilts {

// This machine's host name ("" if it cannot be read).
std::string Hostname();

// Seconds since the Unix epoch, with their fraction.
double UnixSeconds();

}  // namespace xstilts
