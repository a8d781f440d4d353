package model

import (
	"context"
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/sbx-tui/sbx/sbsvc"
	"github.com/sbx-tui/sbx/ui"
)

// resubmitPlan is what a resubmit confirmation describes and runs.
type resubmitPlan struct {
	req   actionRequest
	ref   sbsvc.EntityRef
	what  string // "3 selected messages", "the reason group “Poison” (12)"
	total int64
	opts  sbsvc.ResubmitOptions
	// edited marks a single edited copy (actEditResubmit).
	edited string
}

func startResubmit(sh *shared, wc writeConn, req actionRequest) (tea.Cmd, *navigation) {
	plan, err := planResubmit(req)
	if err != nil {
		return toast(ui.ToastWarn, "%s", err.Error()), nil
	}
	f := resubmitForm(sh, wc, plan)
	return fanoutLookup(sh, wc, f, req), &navigation{push: f}
}

// planResubmit picks the messages: the selection, a reason group, or all.
func planResubmit(req actionRequest) (resubmitPlan, error) {
	if req.sub == sbsvc.Active {
		return resubmitPlan{}, fmt.Errorf("resubmit works on a dead-letter queue: switch to its tab first")
	}
	p := resubmitPlan{req: req, ref: sourceRef(req)}
	switch {
	case req.group != nil:
		g := *req.group
		p.what = fmt.Sprintf("the reason group %q (%s)", g.Reason, plural(g.Count, "message", "messages"))
		if g.Description != "" {
			p.what = fmt.Sprintf("the reason group %q / %q (%s)", g.Reason, g.Description, plural(g.Count, "message", "messages"))
		}
		p.total = int64(g.Count)
		p.opts.Match = func(m sbsvc.Message) bool {
			return m.DeadLetterReason == g.Reason && m.DeadLetterDescription == g.Description
		}
	case len(req.seqs) > 0 && !req.all:
		p.what = plural(len(req.seqs), "selected message", "selected messages") + " (" + seqList(req.seqs) + ")"
		p.total = int64(len(req.seqs))
		p.opts.SequenceNumbers = append([]int64(nil), req.seqs...)
	default:
		n := subCount(req.entity, req.sub)
		p.what = "every message"
		if req.entity.CountsKnown {
			p.what = fmt.Sprintf("every message (%s)", plural(int(n), "message", "messages"))
		}
		p.total = n
	}
	return p, nil
}

// destination says where copies go when no target is typed.
func destination(req actionRequest) string {
	if req.entity.ForwardDeadLetteredTo != "" {
		return "where each message came from (its dead-letter source)"
	}
	if req.entity.Kind == sbsvc.SubscriptionEntity || req.entity.Ref.Subscription != "" {
		return "topic " + sendRef(req.entity).Topic + " (where each message came from)"
	}
	return entityPath(req.entity) + " (where each message came from)"
}

func resubmitForm(sh *shared, wc writeConn, plan resubmitPlan) *formView {
	req := plan.req
	f := newFormView(sh, "Resubmit from "+where(req), "resubmit")
	f.submitKey = "resubmit"
	f.intro = []string{
		"what:  " + plan.what,
		"from:  " + where(req),
		"to:    " + destination(req) + ", unless a target is typed below",
		"copies keep body, properties, content type, ids, session, partition key, TTL;",
		"DeadLetterReason and DeadLetterErrorDescription are dropped unless kept below.",
		"ids:   a target with duplicate detection silently drops a copy whose id it still remembers, so copies of messages enqueued within its window get new ids; older ones keep theirs.",
		"Each copy is accepted before its original is completed: a failure can duplicate, never lose.",
	}
	if plan.edited != "" {
		f.intro = append([]string{"edited: " + plan.edited}, f.intro...)
	}
	if req.entity.RequiresDuplicateDetection && req.entity.Kind == sbsvc.QueueEntity {
		f.intro = append(f.intro, entityPath(req.entity)+" has duplicate detection: copies of its messages enqueued within its window come back with new ids.")
	}
	// Kept ids are safe by default: sbsvc renames the copies a
	// de-duplicating target could drop, and keeping the others lets the
	// target drop a repeated resubmit.
	f.toggle("ids", "message ids", true, "keep (new ids only where duplicate detection would drop them)", "new ids for every copy")
	f.line("target", "target override", "", "a queue or topic name; empty = the source")
	f.toggle("keepdl", "dead-letter reason", false, "keep it in the copies' properties", "dropped")
	f.focus = 1 // on the target field, never on a yes
	f.submit = func(f *formView) (formStep, error) {
		opts := plan.opts
		opts.NewMessageID = !f.isOn("ids")
		opts.KeepDeadLetterInfo = f.isOn("keepdl")
		opts.Target = f.value("target")
		if strings.ContainsAny(opts.Target, " \t") {
			return formStep{}, fmt.Errorf("a target is one queue or topic name, without spaces")
		}
		to := destination(req)
		if opts.Target != "" {
			to = opts.Target
		}
		bv, cmd := newBulkView(sh, resubmitJob(wc, plan, opts, to))
		return formStep{next: bv, nextCmd: cmd}, nil
	}
	return f
}

// resubmitHook, when set, sees every progress report of a resubmit: the
// fault tests use it to drop connections at a chosen point.
var resubmitHook func(sbsvc.ResubmitProgress)

// resubmitJob runs sbsvc.Resubmit behind the progress bar.
func resubmitJob(wc writeConn, plan resubmitPlan, opts sbsvc.ResubmitOptions, to string) bulkJob {
	title := fmt.Sprintf("Resubmitting %s: %s → %s", plan.what, where(plan.req), to)
	return bulkJob{title: title, crumb: "resubmit", total: plan.total, entity: entityPath(plan.req.entity),
		run: func(ctx context.Context, c *bulkCounter) bulkSummary {
			hook := resubmitHook
			opts.Progress = func(p sbsvc.ResubmitProgress) {
				c.done.Store(int64(p.Selected))
				c.failed.Store(int64(p.Failed))
				if hook != nil {
					hook(p)
				}
			}
			res, err := wc.Resubmit(ctx, plan.ref, opts)
			return resubmitSummary(res, err, opts.AuditPath)
		}}
}

// noteWidth is the width notes are wrapped to in a summary: narrow enough
// for an 80-column terminal.
const noteWidth = 76

// resubmitSummary lists what a resubmit did, failures grouped by error.
func resubmitSummary(res sbsvc.ResubmitResult, err error, auditPath string) bulkSummary {
	var s bulkSummary
	s.lines = append(s.lines,
		fmt.Sprintf("moved:               %d", len(res.Moved)),
		fmt.Sprintf("failed:              %d (left in the dead-letter queue)", len(res.Failed)),
		fmt.Sprintf("possible duplicates: %d (copy sent, original still in the dead-letter queue)", len(res.PossibleDuplicates)))
	extra := 0
	for _, m := range res.Moved {
		extra += m.ExtraCopies
	}
	if extra > 0 {
		s.lines = append(s.lines, fmt.Sprintf("extra copies:        %d sends had an unknown outcome before one succeeded", extra))
	}
	if res.Renamed > 0 {
		s.lines = append(s.lines, fmt.Sprintf("new ids:             %d (the target's duplicate detection could have dropped kept ones)", res.Renamed))
	}
	if res.MayBeDropped > 0 {
		s.lines = append(s.lines, fmt.Sprintf("may be dropped:      %d (ids kept that the target's duplicate detection may remember)", res.MayBeDropped))
	}
	// A note is a sentence or two: wrapped here, since the summary cuts
	// each line at the screen's width.
	for _, n := range res.Notes {
		for i, l := range strings.Split(ansiWrap("note: "+n, noteWidth), "\n") {
			if i > 0 {
				l = "      " + l
			}
			s.lines = append(s.lines, l)
		}
	}
	for _, fo := range res.FanOut {
		s.lines = append(s.lines, "fan-out: "+fo.String())
	}
	if res.Cancelled {
		s.lines = append(s.lines, "cancelled: the rest was left in the dead-letter queue")
	}
	if auditPath == "" {
		auditPath, _ = sbsvc.DefaultAuditPath()
	}
	if res.AuditErr != nil {
		s.lines = append(s.lines, "audit file NOT written: "+errorLine(res.AuditErr))
	} else if auditPath != "" {
		s.lines = append(s.lines, "audit file: "+auditPath)
	}
	s.errors = append(s.errors, groupedErrors("failed", res.Failed)...)
	s.errors = append(s.errors, groupedErrors("possible duplicate", res.PossibleDuplicates)...)
	if err != nil && !res.Cancelled {
		s.errors = append(s.errors, "resubmit stopped: "+errorLine(err))
	}
	s.warn = len(res.Failed) > 0 || len(res.PossibleDuplicates) > 0 || res.MayBeDropped > 0 || res.Cancelled || err != nil
	s.toast = fmt.Sprintf("resubmitted %d, failed %d, possible duplicates %d", len(res.Moved), len(res.Failed), len(res.PossibleDuplicates))
	return s
}

// groupedErrors lists failures once per distinct error, with the messages
// it hit: a throttled run fails hundreds of messages for one reason.
func groupedErrors(what string, items []sbsvc.ResubmitItem) []string {
	type group struct {
		seqs      []int64
		ids       []string
		maybeSent bool
	}
	var order []string
	groups := map[string]*group{}
	for _, it := range items {
		text := errorLine(it.Err)
		g, ok := groups[text]
		if !ok {
			g = &group{}
			groups[text] = g
			order = append(order, text)
		}
		g.seqs = append(g.seqs, it.SequenceNumber)
		g.ids = append(g.ids, it.MessageID)
		g.maybeSent = g.maybeSent || it.MaybeSent
	}
	var out []string
	for _, text := range order {
		g := groups[text]
		note := ""
		if g.maybeSent {
			note = " (a copy may have been sent)"
		}
		who := seqList(g.seqs)
		if len(g.ids) == 1 {
			who += " " + g.ids[0]
		}
		out = append(out, fmt.Sprintf("%s %s: %s%s", what, who, text, note))
	}
	return out
}

// fanoutMsg carries the subscriptions a topic resubmit reaches.
type fanoutMsg struct {
	view  uint64
	lines []string
}

func (m fanoutMsg) target() uint64 { return m.view }

// fanoutLookup asks, for a subscription's DLQ, which subscriptions of the
// topic a copy reaches, and adds the warning to the form when it arrives.
func fanoutLookup(sh *shared, wc writeConn, f *formView, req actionRequest) tea.Cmd {
	if req.entity.Kind != sbsvc.SubscriptionEntity && req.entity.Ref.Subscription == "" {
		return nil
	}
	topic := sendRef(req.entity).Topic
	f.warn = append(f.warn, fmt.Sprintf("copies go to topic %s: every subscription whose rules match gets one (looking up…)", topic))
	f.onMsg = func(f *formView, msg tea.Msg) tea.Cmd {
		if m, ok := msg.(fanoutMsg); ok {
			f.warn = m.lines
		}
		return nil
	}
	_, ctx, stop := sh.call(sh.timeout)
	vid := f.vid
	return func() tea.Msg {
		defer stop()
		return fanoutMsg{view: vid, lines: describeFanout(ctx, wc, topic)}
	}
}

// describeFanout reads the topic's subscriptions and rules: a true filter
// certainly matches, SQL and correlation filters may, false never.
func describeFanout(ctx context.Context, wc writeConn, topic string) []string {
	head := fmt.Sprintf("copies go to topic %s, not only to this subscription", topic)
	subs, err := wc.ListSubscriptions(ctx, topic)
	if err != nil {
		return []string{head + ": its subscriptions could not be listed (" + errorClass(err) + ")"}
	}
	var reaches, may []string
	for _, s := range subs {
		rules, err := wc.ListRules(ctx, topic, s.Name)
		if err != nil {
			may = append(may, s.Name)
			continue
		}
		all, some := false, false
		for _, r := range rules {
			switch r.FilterKind {
			case "true":
				all = true
			case "false":
			default:
				some = true
			}
		}
		switch {
		case all:
			reaches = append(reaches, s.Name)
		case some:
			may = append(may, s.Name)
		}
	}
	sort.Strings(reaches)
	sort.Strings(may)
	lines := []string{head}
	if len(reaches) > 0 {
		lines = append(lines, "reaches: "+strings.Join(reaches, ", "))
	}
	if len(may) > 0 {
		lines = append(lines, "may also reach (their filters depend on each message): "+strings.Join(may, ", "))
	}
	return lines
}
