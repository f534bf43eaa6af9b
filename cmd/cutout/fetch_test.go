package main

import (
	"strings"
	"testing"
)

// TestFetchFlags: platform flags that cannot work are refused with a clear
// message before anything is fetched.
func TestFetchFlags(t *testing.T) {
	cases := map[string]struct {
		args []string
		code int
		want string
	}{
		"platform without arch": {[]string{"--platform", "windows"}, 2, "is not OS/ARCH"},
		"all with one platform": {[]string{"--all-platforms", "--platform", "linux/amd64"}, 2, "--all-platforms goes with neither"},
		"all with a bundle":     {[]string{"--all-platforms", "--bundle", t.TempDir()}, 2, "--all-platforms goes with neither"},
		"stray argument":        {[]string{"windows/amd64"}, 2, `unexpected argument "windows/amd64"`},
		"unlisted platform":     {[]string{"--platform", "plan9/amd64", "--model", "medium"}, 1, "no cpu ONNX Runtime build is listed for plan9/amd64"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			out, code := cutout(t, append([]string{"fetch"}, c.args...)...)
			if code != c.code || !strings.Contains(out, c.want) {
				t.Fatalf("exit %d, output %q; want exit %d and %q", code, out, c.code, c.want)
			}
		})
	}
}
