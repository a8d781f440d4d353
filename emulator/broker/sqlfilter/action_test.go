package sqlfilter

import (
	"reflect"
	"strings"
	"testing"
)

// absent marks a property an action must have removed.
var absent any = struct{ absent bool }{true}

func TestActionApply(t *testing.T) {
	cases := []struct {
		action   string
		wantUser map[string]any // checked keys; absent means "not there", nil a stored NULL
		wantSys  map[string]any
	}{
		{"SET color = 'blue'", map[string]any{"color": "blue"}, nil},
		{"SET added = 1", map[string]any{"added": int64(1)}, nil},
		{"SET size = size * 2 + 1", map[string]any{"size": int64(21)}, nil},
		{"SET copy = size", map[string]any{"copy": int32(10)}, nil}, // copies keep their Go type
		{"SET half = price / 2", map[string]any{"half": 4.75}, nil},
		{"SET s = color + '-' + sys.Label", map[string]any{"s": "red-subject1"}, nil},
		{"SET isRed = color = 'red'", map[string]any{"isRed": true}, nil},
		{"SET unknown = missing = 1", map[string]any{"unknown": nil}, nil},
		{"SET [my prop] = 'changed'", map[string]any{"my prop": "changed"}, nil},
		{"SET user.Color = 'x'", map[string]any{"Color": "x", "color": "red"}, nil},
		{"REMOVE color", map[string]any{"color": absent, "Color": "upper"}, nil},
		{"REMOVE missing", map[string]any{"color": "red"}, nil},
		{"SET sys.Label = 'Entity'", nil, map[string]any{"Label": "Entity"}},
		{"SET sys.to = sys.Label + '!'", nil, map[string]any{"To": "subject1!"}},
		{"SET a = 1; SET b = a + 1; REMOVE a", map[string]any{"a": absent, "b": int64(2)}, nil},
		{"SET a = 1 SET b = 2", map[string]any{"a": int64(1), "b": int64(2)}, nil},
		{"set a = 1;;remove color;", map[string]any{"a": int64(1), "color": absent}, nil},
		{"", map[string]any{"color": "red", "size": int32(10)}, nil},
		{"SET n = NULL", map[string]any{"n": nil}, nil},
	}
	for _, c := range cases {
		a, err := ParseAction(c.action)
		if err != nil {
			t.Errorf("ParseAction(%q): %v", c.action, err)
			continue
		}
		p := sampleProps()
		if err := a.Apply(p); err != nil {
			t.Errorf("Apply(%q): %v", c.action, err)
			continue
		}
		for k, want := range c.wantUser {
			got, ok := p.user[k]
			if want == absent {
				if ok {
					t.Errorf("%q: user %s = %v, want absent", c.action, k, got)
				}
				continue
			}
			if !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("%q: user %s = %#v (present %v), want %#v", c.action, k, got, ok, want)
			}
		}
		for k, want := range c.wantSys {
			if got := p.sys[k]; !reflect.DeepEqual(got, want) {
				t.Errorf("%q: sys %s = %#v, want %#v", c.action, k, got, want)
			}
		}
	}
}

func TestActionSetSystemError(t *testing.T) {
	a, err := ParseAction("SET x = 1; SET sys.SessionId = 'nope'; SET y = 2")
	if err != nil {
		t.Fatal(err)
	}
	p := sampleProps()
	err = a.Apply(p)
	if err == nil || !strings.Contains(err.Error(), "SET sys.SessionId") || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("Apply error = %v, want the SetSystem error named after the statement", err)
	}
	if _, ok := p.user["x"]; !ok {
		t.Error("statements before the failing one should have run")
	}
	if _, ok := p.user["y"]; ok {
		t.Error("statements after the failing one should not have run")
	}
}

func TestActionNilSafety(t *testing.T) {
	var a *Action
	if err := a.Apply(sampleProps()); err != nil {
		t.Error(err)
	}
	b, err := ParseAction("SET a = 1")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Apply(nil); err != nil {
		t.Error(err)
	}
	if b.String() != "SET a = 1" {
		t.Errorf("String() = %q", b.String())
	}
}
