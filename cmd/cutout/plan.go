package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cutout/refine/imagefile"
)

// source is one photo a run was given, by name or in a folder.
type source struct {
	Path string      // as given, or joined to its folder
	Info os.FileInfo // os.Stat's: symbolic links followed
	// Ours is set for a PNG that Cutout wrote (imagefile.MadeByCutout):
	// an earlier output, which a run may replace with --force and never
	// cuts out again in place.
	Ours bool
}

// failure is an input that failed, with why.
type failure struct {
	Name string
	Err  error
}

// expand turns command-line arguments into photos: files are kept as
// given (so a wrongly named one still gets a clear error), folders are
// listed, not recursively, for image files by extension. Arguments and
// folder entries that cannot be read (missing, a loop of symbolic links,
// an unreadable folder) are returned as failures, in order. The other
// files of a folder are named in a note per folder, so that a photo in a
// format Cutout does not read is never passed over in silence.
func expand(args []string) ([]source, []failure, []string) {
	var srcs []source
	var fails []failure
	var notes []string
	failed := map[string]bool{} // a missing file given more than once fails once
	add := func(p string) {
		fi, err := os.Stat(p)
		if err != nil {
			if k := filepath.Clean(p); !failed[k] {
				failed[k] = true
				fails = append(fails, failure{p, err})
			}
			return
		}
		srcs = append(srcs, source{Path: p, Info: fi, Ours: fi.Mode().IsRegular() && imagefile.MadeByCutout(p)})
	}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil || !fi.IsDir() {
			add(a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			fails = append(fails, failure{a, err})
			continue
		}
		var other []string
		for _, e := range ents {
			switch n := e.Name(); {
			case e.IsDir():
			case imagefile.IsImageFile(n):
				add(filepath.Join(a, n))
			default:
				other = append(other, quoteName(n))
			}
		}
		if len(other) > 0 {
			notes = append(notes, fmt.Sprintf("%s: %s not read (%s): %s", quoteName(a), count(len(other), "file", "files"), readableFormats, listNames(other, 10)))
		}
	}
	return srcs, fails, notes
}

// readableFormats names the formats a folder's photos are read in, by
// extension, for notes on the files left alone.
const readableFormats = "Cutout reads JPEG, PNG, WebP, TIFF, BMP, GIF, HEIC and AVIF"

// count writes n with the singular or plural noun.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// listNames joins names with commas, at most max of them, then how many
// more there are.
func listNames(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:max], ", "), len(names)-max)
}

// readFile is a file a run reads, or has planned to write, and what it
// is, for messages: "the --trimap file", "an input photo of this run".
type readFile struct {
	What string
	Path string
	Info os.FileInfo
}

// planOptions are the outputs a run asks for.
type planOptions struct {
	Dir          string     // output folder; it exists
	Mask, Trimap bool       // also NAME.mask.png, NAME.trimap.png
	Overwrite    bool       // --force
	Reads        []readFile // files other than the photos that the run reads
}

// skip is an input a run does not process, and why; not a failure.
type skip struct {
	Name, Reason string
}

// runPlan is what a run will do, decided before anything is written:
// the jobs in input order, the inputs it skips or that fail already, and
// notes on output names it had to change.
type runPlan struct {
	Jobs  []job
	Skips []skip
	Fails []failure
	Notes []string
}

// target is one output file of a planned job.
type target struct {
	path string
	what string // "cutout", "matte" or "trimap"
}

// plan maps photos to output files in o.Dir: NAME.png for the cutout,
// plus NAME.mask.png and NAME.trimap.png when asked, so that a run never
// writes onto a file it reads, no two outputs of a run collide, and a run
// repeated into its input folder changes nothing:
//
//   - a photo given twice (by another path, a symbolic link, a folder and
//     a name) is done once; the other is skipped;
//   - a photo's output names never fall on a file the run reads (a photo,
//     the --trimap or --bg-image file), found by identity, through
//     symbolic links and "..", nor on another photo's outputs: the photo
//     then gets NAME-2.png and so on, the first number where all its
//     outputs are free, in input order, and a note says why;
//   - a PNG Cutout wrote (source.Ours) is not a photo to protect but an
//     earlier output: when it is an output of this run it is skipped, as
//     it is when its own output would be itself;
//   - an output name that holds a file Cutout did not write is never
//     used, with or without o.Overwrite: the photo gets the next number;
//   - a photo whose outputs exist is skipped without o.Overwrite, and one
//     whose outputs exist in part gets the others (see checkTargets); one
//     whose output cannot be written (a folder in the way, a name too
//     long) fails before anything runs.
func plan(srcs []source, o planOptions) runPlan {
	var p runPlan
	var uniq []source
	var seen identities
	for _, s := range srcs {
		if i := seen.find(s.Info); i >= 0 {
			p.Skips = append(p.Skips, skip{s.Path, "given twice: the same file as " + quoteName(uniq[i].Path)})
			continue
		}
		seen.add(s.Info)
		uniq = append(uniq, s)
	}
	reads := append([]readFile(nil), o.Reads...)
	for _, s := range uniq {
		if !s.Ours {
			reads = append(reads, readFile{What: "an input photo of this run", Path: s.Path, Info: s.Info})
		}
	}
	readIdx := indexReads(reads)
	made := outputsIn(o.Dir)    // what each earlier output of Cutout's was made from
	used := map[string]string{} // output name (folded) -> whose it is, for notes and skips
	jobOf := map[int]job{}      // by index in uniq
	place := func(i int, s source) {
		stem := strings.TrimSuffix(filepath.Base(s.Path), filepath.Ext(s.Path))
		from := sourceOf(s)
		name, why := stem, ""
		var ts []target
		for n := 2; ; n++ {
			ts = targets(o, name)
			clash, reason := "", ""
			for _, t := range ts {
				if u, ok := used[nameKey(t.path)]; ok {
					clash, reason = t.path, u
				} else if r := readBy(t.path, reads, readIdx); r != "" {
					clash, reason = t.path, r
				} else if foreign(t.path) {
					clash, reason = t.path, "a file Cutout did not write, which it keeps"
				} else if tag, ok := made.byPath[nameKey(t.path)]; ok && tag != t.what+" of "+from {
					clash, reason = t.path, "made from another photo (or from this one before it changed), which only that photo's runs replace"
				}
				if clash != "" {
					break
				}
			}
			if clash == "" {
				break
			}
			if why == "" {
				why = fmt.Sprintf("%s is %s", quoteName(filepath.Base(clash)), reason)
			}
			name = fmt.Sprintf("%s-%d", stem, n)
		}
		for _, t := range ts {
			used[nameKey(t.path)] = "where this run puts the " + t.what + " of " + quoteName(s.Path)
		}
		if why != "" {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: writing %s, as %s", quoteName(s.Path), quoteName(filepath.Base(ts[0].path)), why))
		}
		j := job{Input: s.Path, Output: ts[0].path, Source: from}
		for _, t := range ts[1:] {
			switch t.what {
			case "matte":
				j.Mask = t.path
			case "trimap":
				j.Trimap = t.path
			}
		}
		jobOf[i] = j
	}
	for i, s := range uniq {
		if !s.Ours {
			place(i, s)
		}
	}
	// Cutout's own earlier outputs: skipped where this run writes them
	// again, or where they would be their own output.
	var existing []readFile // the photos' outputs that exist, as reads to compare with
	for i := range uniq {
		j, ok := jobOf[i]
		for _, t := range []string{j.Output, j.Mask, j.Trimap} {
			if fi, err := os.Stat(t); ok && t != "" && err == nil {
				existing = append(existing, readFile{What: used[nameKey(t)], Path: t, Info: fi})
			}
		}
	}
	skipped := map[int]bool{}
	existingIdx := indexReads(existing)
	for i, s := range uniq {
		if !s.Ours {
			continue
		}
		if k := existingIdx.find(s.Info); k >= 0 {
			p.Skips = append(p.Skips, skip{s.Path, "is " + existing[k].What})
			skipped[i] = true
			continue
		}
		stem := strings.TrimSuffix(filepath.Base(s.Path), filepath.Ext(s.Path))
		own := false
		for _, t := range targets(o, stem) {
			if fi, err := os.Stat(t.path); err == nil && os.SameFile(fi, s.Info) {
				own = true
			}
		}
		if own {
			p.Skips = append(p.Skips, skip{s.Path, "is its own output path (a PNG Cutout wrote)"})
			skipped[i] = true
			continue
		}
		place(i, s)
	}
	for i, s := range uniq {
		if skipped[i] {
			continue
		}
		j := jobOf[i]
		if sk, err := checkTargets(&j, o.Overwrite); err != nil {
			p.Fails = append(p.Fails, failure{s.Path, err})
			continue
		} else if sk != "" {
			p.Skips = append(p.Skips, skip{s.Path, sk})
			continue
		}
		p.Jobs = append(p.Jobs, j)
	}
	// Report the skips in input order.
	at := map[string]int{}
	for i := len(srcs) - 1; i >= 0; i-- {
		at[srcs[i].Path] = i
	}
	sort.SliceStable(p.Skips, func(a, b int) bool { return at[p.Skips[a].Name] < at[p.Skips[b].Name] })
	return p
}

// targets lists the outputs of a photo written under name in o.Dir.
func targets(o planOptions, name string) []target {
	ts := []target{{filepath.Join(o.Dir, name+".png"), "cutout"}}
	if o.Mask {
		ts = append(ts, target{filepath.Join(o.Dir, name+".mask.png"), "matte"})
	}
	if o.Trimap {
		ts = append(ts, target{filepath.Join(o.Dir, name+".trimap.png"), "trimap"})
	}
	return ts
}

// nameKey is how two output paths of one run are compared: absolute,
// cleaned, and case-folded, as some file systems fold case.
func nameKey(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		p = a
	}
	return strings.ToLower(filepath.Clean(p))
}

// identities finds files by identity (os.SameFile) in constant time on
// average: a file is looked for only among those of its size and
// modification time, which two names of one file always share, so that
// planning a folder of n photos takes n steps, not n².
type identities struct {
	byKey map[identityKey][]int
	infos []os.FileInfo
}

type identityKey struct {
	size, mod int64
}

func keyOf(fi os.FileInfo) identityKey { return identityKey{fi.Size(), fi.ModTime().UnixNano()} }

// add records fi under the next index.
func (x *identities) add(fi os.FileInfo) {
	if x.byKey == nil {
		x.byKey = map[identityKey][]int{}
	}
	k := keyOf(fi)
	x.byKey[k] = append(x.byKey[k], len(x.infos))
	x.infos = append(x.infos, fi)
}

// find returns the index of the first file added that is the same file as
// fi, or -1.
func (x *identities) find(fi os.FileInfo) int {
	for _, i := range x.byKey[keyOf(fi)] {
		if os.SameFile(x.infos[i], fi) {
			return i
		}
	}
	return -1
}

// indexReads indexes rs by identity, in order.
func indexReads(rs []readFile) *identities {
	var x identities
	for _, r := range rs {
		x.add(r.Info)
	}
	return &x
}

// readBy says which file the run reads is at path ("an input photo of
// this run", "the --trimap file"), or "" for none; idx indexes reads.
func readBy(path string, reads []readFile, idx *identities) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	if i := idx.find(fi); i >= 0 {
		return reads[i].What
	}
	return ""
}

// sourceOf is what a photo's outputs record they were made from
// (imagefile.SourceOf).
func sourceOf(s source) string { return imagefile.SourceOf(s.Path, s.Info) }

// madeFrom maps the PNGs of Cutout's in an output folder that record
// their source (imagefile.Source: "cutout of NAME, N bytes, modified T")
// to it.
type madeFrom struct {
	byPath map[string]string // nameKey(path) -> tag
}

// outputsIn reads the tags of the PNGs in dir: a look at each PNG's first
// few kilobytes, once per run.
func outputsIn(dir string) madeFrom {
	m := madeFrom{byPath: map[string]string{}}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return m
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.EqualFold(filepath.Ext(e.Name()), ".png") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if tag := imagefile.Source(p); tag != "" {
			m.byPath[nameKey(p)] = tag
		}
	}
	return m
}

// foreign reports whether path holds a file Cutout must keep: a
// non-empty file that is not a PNG Cutout wrote (a user's photo or
// picture saved under an output's name). An empty file (what a kill
// left) and Cutout's own PNGs, whole or cut short, are not foreign;
// neither is a folder (checkTargets fails it).
func foreign(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Size() == 0 {
		return false
	}
	return !imagefile.MadeByCutout(path)
}

// checkTargets looks at a job's outputs before anything runs, as plan
// left them (a file Cutout must keep is not among them): a reason to skip
// the photo when every output is a whole PNG Cutout wrote and overwrite is
// off; an error when one cannot be written whatever the flags (a folder in
// the way, a name the file system refuses). Otherwise it marks in j the
// outputs to keep (whole, without overwrite: the run completes a photo's
// missing outputs) and whether files are replaced: with overwrite, and
// always an empty file or a PNG of Cutout's that a kill or a full disk cut
// short, which is never taken as done.
func checkTargets(j *job, overwrite bool) (string, error) {
	var kept []string
	n := 0
	for _, t := range []string{j.Output, j.Mask, j.Trimap} {
		if t == "" {
			continue
		}
		n++
		fi, err := os.Lstat(t)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return "", fmt.Errorf("cannot write %s: %w", quoteName(t), unwrapPathErr(err))
		case fi.IsDir():
			return "", fmt.Errorf("cannot write %s: it is a folder", quoteName(t))
		case !imagefile.WholeByCutout(t):
			j.Replace = true
			j.Notes = append(j.Notes, fmt.Sprintf("replaced %s, which an interrupted run left unfinished", quoteName(t)))
		case overwrite:
			j.Replace = true
		default:
			kept = append(kept, t)
		}
	}
	switch {
	case len(kept) == n:
		return quoteName(kept[0]) + " exists (use --force to replace it)", nil
	case len(kept) > 0:
		j.Keep = kept
		j.Notes = append(j.Notes, fmt.Sprintf("kept %s from an earlier run, wrote what it lacked", strings.Join(quoteAll(kept), ", ")))
	}
	return "", nil
}

// quoteAll applies quoteName to each name.
func quoteAll(names []string) []string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteName(n)
	}
	return q
}

// unwrapPathErr drops the *fs.PathError layer, whose text repeats a path
// the message already names.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
