// ProcessPrng, the one function of bcryptprimitives.dll that the Go runtime
// (since Go 1.22) loads on Windows, for the wine smoke test: Debian 12's
// wine 8.0 has no bcryptprimitives.dll, and a Go program there stops at
// start-up with "fatal error: bcryptprimitives.dll not found". Windows 10
// and 11 have the real one. This stand-in draws from RtlGenRandom
// (advapi32's SystemFunction036), which wine has.
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buf, ULONG len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n)) {
			return FALSE;
		}
		data += n;
		len -= n;
	}
	return TRUE;
}
