package broker

import (
	"slices"
	"sync"
	"testing"
)

// A token finds its entry until it is removed; then it finds nothing, even
// once its slot holds another entry's token; tokens are unique and never
// zero; all lists exactly the live ones.
func TestTokenTableLifecycle(t *testing.T) {
	var tt tokenTable
	entries := make([]entry, 200)
	live := map[[16]byte]*entry{}
	var dead [][16]byte
	for round := range 3 {
		for i := range entries {
			e := &entries[i]
			tok := tt.issue(e)
			if tok == ([16]byte{}) {
				t.Fatal("a zero token")
			}
			if _, dup := live[tok]; dup {
				t.Fatalf("token % x issued twice", tok)
			}
			live[tok] = e
		}
		for tok, e := range live {
			if got := tt.get(tok); got != e {
				t.Fatalf("round %d: get found %p, want %p", round, got, e)
			}
		}
		// Remove every other one: their slots are reused next round.
		n := 0
		for tok := range live {
			if n++; n%2 == 0 {
				tt.remove(tok)
				delete(live, tok)
				dead = append(dead, tok)
			}
		}
		for _, tok := range dead {
			if got := tt.get(tok); got != nil {
				t.Fatalf("round %d: a removed token found %p", round, got)
			}
			tt.remove(tok) // removing again leaves the slot's new owner alone
		}
		all := tt.all()
		if len(all) != len(live) {
			t.Fatalf("round %d: all lists %d tokens, %d are live", round, len(all), len(live))
		}
		for _, tok := range all {
			if live[tok] == nil {
				t.Fatalf("round %d: all lists % x, which is not live", round, tok)
			}
		}
	}
	var slots int
	for i := range tt.shards {
		slots += len(tt.shards[i].slots)
	}
	if slots > 2*len(entries) {
		t.Fatalf("%d slots for at most %d live tokens: freed slots are not reused", slots, 2*len(entries))
	}
}

// Tokens the table never issued, zero included, find nothing (and do not
// panic).
func TestTokenTableForeignTokens(t *testing.T) {
	var tt tokenTable
	e := &entry{}
	tok := tt.issue(e)
	forged := [][16]byte{
		{},
		{1},                      // names no slot
		{0xff, 0xff, 0xff, 0xff}, // a slot far past the end
	}
	other := tok
	other[15] ^= 1 // the right slot, the wrong random part
	forged = append(forged, other)
	for _, f := range forged {
		if got := tt.get(f); got != nil {
			t.Fatalf("forged token % x found %p", f, got)
		}
		tt.remove(f)
	}
	if tt.get(tok) != e {
		t.Fatal("removing forged tokens removed the real one")
	}
}

// Issue, get and remove from many goroutines (run under -race).
func TestTokenTableConcurrent(t *testing.T) {
	var tt tokenTable
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			e := &entry{}
			var mine [][16]byte
			for i := range 2000 {
				mine = append(mine, tt.issue(e))
				if i%3 == 0 {
					tok := mine[0]
					if tt.get(tok) != e {
						t.Error("a live token lost its entry")
						return
					}
					tt.remove(tok)
					mine = slices.Delete(mine, 0, 1)
				}
			}
			for _, tok := range mine {
				if tt.get(tok) != e {
					t.Error("a live token lost its entry")
					return
				}
			}
		})
	}
	wg.Wait()
}
