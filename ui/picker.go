package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/disintegration/imaging"

	"cutout/refine/imagefile"
)

// Opening photos goes through the platform's own file dialog where there
// is one (zenity or kdialog on Linux and BSD, the Finder's on macOS):
// people know it, it selects several files at once, shows thumbnails and
// full names. Without one, the editor's own sheet lists a folder's photos
// by their whole names, each with a check box.

// nativePicker runs the platform's open dialog: a command that prints the
// chosen files, one a line, and exits 1 when the person cancels.
type nativePicker struct {
	name string
	args func(start, title string, multiple bool) []string
}

// photoPatterns are the file patterns of the photos the decoder opens.
const photoPatterns = "*.jpg *.jpeg *.png *.webp *.tif *.tiff *.bmp *.gif *.JPG *.JPEG *.PNG"

// findNativePicker returns the platform's open dialog, nil when it has
// none. On Linux and BSD it prefers kdialog on KDE, zenity elsewhere.
func findNativePicker(lookPath func(string) (string, error), desktop string) *nativePicker {
	has := func(cmd string) bool { _, err := lookPath(cmd); return err == nil }
	zenity := &nativePicker{name: "zenity", args: func(start, title string, multiple bool) []string {
		a := []string{"--file-selection", "--title=" + title, "--filename=" + start + string(filepath.Separator),
			"--file-filter=Photos | " + photoPatterns, "--file-filter=All files | *", "--separator=\n"}
		if multiple {
			a = append(a, "--multiple")
		}
		return a
	}}
	kdialog := &nativePicker{name: "kdialog", args: func(start, title string, multiple bool) []string {
		a := []string{"--title", title, "--getopenfilename", start, "Photos (" + photoPatterns + ")"}
		if multiple {
			a = append(a, "--multiple", "--separate-output")
		}
		return a
	}}
	switch runtime.GOOS {
	case "darwin":
		if has("osascript") {
			return &nativePicker{name: "osascript", args: func(start, title string, multiple bool) []string {
				script := fmt.Sprintf(`set f to choose file with prompt %q default location POSIX file %q with multiple selections allowed
set out to ""
repeat with x in f
set out to out & POSIX path of x & linefeed
end repeat
return out`, title, start)
				if !multiple {
					script = fmt.Sprintf(`POSIX path of (choose file with prompt %q default location POSIX file %q)`, title, start)
				}
				return []string{"-e", script}
			}}
		}
	case "windows":
	default:
		kde := strings.Contains(strings.ToUpper(desktop), "KDE")
		switch {
		case kde && has("kdialog"):
			return kdialog
		case has("zenity"):
			return zenity
		case has("kdialog"):
			return kdialog
		}
	}
	return nil
}

// run shows the dialog and returns the chosen paths; none when the person
// cancelled. It blocks until the dialog closes.
func (p *nativePicker) run(start, title string, multiple bool) ([]string, error) {
	cmd := exec.Command(p.name, p.args(start, title, multiple)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return nil, nil // cancelled
	}
	if err != nil {
		return nil, fmt.Errorf("ui: the %s file dialog: %w: %s", p.name, err, strings.TrimSpace(errOut.String()))
	}
	var paths []string
	for _, l := range strings.Split(out.String(), "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" {
			paths = append(paths, l)
		}
	}
	return paths, nil
}

// pickPhotos lets the person choose photos (several when multiple),
// starting in the folder photos were last opened from, and hands their
// paths to chosen on the UI goroutine.
func (e *Editor) pickPhotos(title string, multiple bool, chosen func(paths []string)) {
	start := e.app.Preferences().String(prefOpenFolder)
	switch {
	case start != "":
	case e.cur != nil:
		start = filepath.Dir(e.cur.path)
	default:
		start, _ = os.UserHomeDir()
	}
	if p := e.picker; p != nil {
		go func() { // the dialog is another process: the window stays live
			paths, err := p.run(start, title, multiple)
			e.post(func() {
				switch {
				case err != nil:
					fyne.LogError("falling back to the editor's own open dialog", err)
					e.picker = nil
					e.pickPhotos(title, multiple, chosen)
				case len(paths) > 0 && !e.closed:
					chosen(paths)
				}
			})
		}()
		return
	}
	if !multiple {
		e.chooseFile(func(path string) { chosen([]string{path}) })
		return
	}
	e.showOpenSheet(title, start, chosen)
}

// openThumb is the side of the open sheet's thumbnails, in pixels.
const openThumb = 48

// showOpenSheet is the editor's own open dialog: the photos of a folder by
// their whole names and thumbnails, each with a check box, several at
// once. The thumbnails are made one photo at a time off the UI goroutine,
// until the sheet closes or shows another folder.
func (e *Editor) showOpenSheet(title, start string, chosen func([]string)) {
	folder := e.newSheetEntry()
	list := container.NewVBox()
	all := e.newCheck("Select all", nil)
	var boxes []*check
	var names []string
	var dir string
	stop := func() {}
	load := func(d string) {
		stop()
		list.RemoveAll()
		boxes, names = nil, nil
		dir = filepath.Clean(d)
		if folder.Text != dir {
			folder.SetText(dir)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			list.Add(widget.NewLabel(message(err)))
			return
		}
		for _, en := range entries {
			if !en.IsDir() && imagefile.IsImageFile(en.Name()) {
				names = append(names, en.Name())
			}
		}
		sort.Strings(names)
		thumbs := make([]*fyne.Container, len(names))
		for i, n := range names {
			c := e.newCheck(n, nil)
			boxes = append(boxes, c)
			thumbs[i] = container.NewGridWrap(fyne.NewSize(openThumb, openThumb), widget.NewIcon(theme.FileImageIcon()))
			list.Add(container.NewBorder(nil, nil, thumbs[i], nil, c))
		}
		ctx, cancel := context.WithCancel(e.ctx)
		stop = cancel
		paths := make([]string, len(names))
		for i, n := range names {
			paths[i] = filepath.Join(dir, n)
		}
		decode := e.deps.Decode
		go func() {
			for i, p := range paths {
				if ctx.Err() != nil {
					return
				}
				img, err := decode(p)
				if err != nil {
					continue // the row keeps its icon; opening says why
				}
				th := imaging.Fit(img, openThumb, openThumb, imaging.Box)
				e.post(func() {
					if ctx.Err() == nil {
						pic := canvas.NewImageFromImage(th)
						pic.FillMode = canvas.ImageFillContain
						thumbs[i].Objects = []fyne.CanvasObject{pic}
						thumbs[i].Refresh()
					}
				})
			}
		}()
		if len(names) == 0 {
			list.Add(widget.NewLabel("No photos in this folder."))
		}
		all.SetChecked(false)
	}
	all.OnChanged = func(on bool) {
		for _, c := range boxes {
			c.SetChecked(on)
		}
	}
	folder.OnSubmitted = func(s string) { load(expandPath(s, dir)) }
	up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { load(filepath.Dir(dir)) })
	browse := widget.NewButton("Folder…", func() { e.browseFolder(dir, load) })
	top := container.NewBorder(nil, nil, up, browse, folder)
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(560, 360))
	body := container.NewBorder(top, all, nil, nil, scroll)
	ok := func() (func(), error) {
		var paths []string
		for i, c := range boxes {
			if c.Checked {
				paths = append(paths, filepath.Join(dir, names[i]))
			}
		}
		if len(paths) == 0 {
			return nil, errors.New("ui: tick the photos to open")
		}
		return func() { chosen(paths) }, nil
	}
	load(start)
	e.showActionSheet(title, "Open", body, func() (func(), error) {
		then, err := ok()
		if err == nil {
			stop()
		}
		return then, err
	}, func() { stop() })
}
