package hallq

import "fmt"

// This file words the alerts' messages: what happened and what to do, in
// English and in Chinese, with the hall's own names.

// alertMessage says what alert a is about, as it is raised.
func (f *Floor) alertMessage(a *Alert) Text {
	waited, target := span(a.WaitedS), span(a.TargetS)
	switch a.Kind {
	case AlertPrinter:
		return printerMessage(a)
	case AlertComplaint:
		return f.complaintMessage(a)
	case AlertWait:
		s := f.serviceName(a.Service)
		return Text{
			EN: fmt.Sprintf("Ticket %s has waited %s, past the %s target for %s.", a.Number, waited.EN, target.EN, s.EN),
			ZH: fmt.Sprintf("%s 号已等候 %s，超过%s %s的目标。", a.Number, waited.ZH, s.ZH, target.ZH),
		}
	case AlertVIPWait:
		var tier Text
		if t := f.open[a.Ticket]; t != nil {
			tier = f.tierName(t.Tier)
		}
		return Text{
			EN: fmt.Sprintf("%s ticket %s has waited %s since it was issued, past the %s target for %s customers.",
				tier.EN, a.Number, waited.EN, target.EN, tier.EN),
			ZH: fmt.Sprintf("%s客户 %s 号自取号起已等候 %s，超过%s %s的目标。", tier.ZH, a.Number, waited.ZH, tier.ZH, target.ZH),
		}
	case AlertPause:
		c := f.counter(a.Counter)
		who := Text{EN: a.Counter, ZH: a.Counter}
		if c != nil {
			who = Text{EN: c.Name.In("en"), ZH: c.Name.In("zh")}
			if c.Staff != "" {
				who.EN += " (" + c.Staff + ")"
				who.ZH += "（" + c.Staff + "）"
			}
		}
		return Text{
			EN: fmt.Sprintf("%s has been paused for %s, past the hall's %s limit.", who.EN, waited.EN, target.EN),
			ZH: fmt.Sprintf("%s已暂停 %s，超过大厅 %s的上限。", who.ZH, waited.ZH, target.ZH),
		}
	}
	return Text{EN: "An alert (" + a.Kind + ").", ZH: "警报（" + a.Kind + "）。"}
}

// serviceName returns service id's name in both languages, or its id.
func (f *Floor) serviceName(id string) Text {
	if s := f.service(id); s != nil {
		return Text{EN: s.Name.In("en"), ZH: s.Name.In("zh")}
	}
	return Text{EN: id, ZH: id}
}

// tierName returns tier id's name in both languages, or its id.
func (f *Floor) tierName(id string) Text {
	if t := f.tier(id); t != nil {
		return Text{EN: t.Name.In("en"), ZH: t.Name.In("zh")}
	}
	return Text{EN: id, ZH: id}
}

// complaintCategories are the complaint categories as managers read them.
var complaintCategories = map[string]Text{
	"wait_too_long": {EN: "waited too long", ZH: "等候时间过长"},
	"attitude":      {EN: "staff attitude", ZH: "服务态度"},
	"not_resolved":  {EN: "problem not resolved", ZH: "问题未解决"},
	"environment":   {EN: "the hall's environment", ZH: "大厅环境"},
	"other":         {EN: "other", ZH: "其他"},
}

// complaintMessage says who complained of what, in a line.
func (f *Floor) complaintMessage(a *Alert) Text {
	c := a.Complaint
	what := complaintCategories[c.Category]
	if what.EN == "" {
		what = Text{EN: c.Category, ZH: c.Category}
	}
	text := c.Text
	if r := []rune(text); len(r) > 120 {
		text = string(r[:119]) + "…"
	}
	about := Text{EN: "A complaint", ZH: "投诉"}
	if a.Number != "" {
		about = Text{EN: "A complaint about ticket " + a.Number, ZH: a.Number + " 号的投诉"}
	}
	from := map[string]Text{
		ComplaintAtCounter: {EN: "taken at the counter", ZH: "窗口受理"},
		ComplaintByPhone:   {EN: "sent from a phone", ZH: "手机提交"},
		ComplaintByRating:  {EN: "after a low rating", ZH: "差评后提交"},
	}[c.Source]
	m := Text{
		EN: fmt.Sprintf("%s (%s, %s)", about.EN, what.EN, from.EN),
		ZH: fmt.Sprintf("%s（%s，%s）", about.ZH, what.ZH, from.ZH),
	}
	if text != "" {
		m.EN += ": " + text
		m.ZH += "：" + text
	}
	return m
}

// printerMessage says what happened to a kiosk's printer, and what to do.
func printerMessage(a *Alert) Text {
	kiosk := a.Name
	if kiosk == "" {
		kiosk = fmt.Sprintf("%d", a.Device)
	}
	var what Text
	switch a.Problem {
	case PrinterPaperOut:
		what = Text{EN: "is out of paper; load a new roll", ZH: "缺纸，请更换纸卷"}
	case PrinterPaperLow:
		what = Text{EN: "is running out of paper; have a new roll ready", ZH: "纸将用完，请准备新纸卷"}
	case PrinterCoverOpen:
		what = Text{EN: "has its cover open; close it", ZH: "纸仓盖未合上，请合上"}
	case PrinterOffline:
		what = Text{EN: "does not answer; check its power and network cable", ZH: "无响应，请检查电源和网线"}
	case PrinterOK:
		what = Text{EN: "works again", ZH: "恢复正常"}
	default:
		what = Text{EN: "reports " + a.Problem, ZH: "报告" + a.Problem}
	}
	return Text{
		EN: fmt.Sprintf("The printer of kiosk %s %s.", kiosk, what.EN),
		ZH: fmt.Sprintf("%s取号机的打印机%s。", kiosk, what.ZH),
	}
}

// span writes a number of seconds as people say it: "45 s", "15 min",
// "15 min 10 s", "1 h 5 min".
func span(s int) Text {
	h, m, sec := s/3600, s%3600/60, s%60
	switch {
	case s < 60:
		return Text{EN: fmt.Sprintf("%d s", s), ZH: fmt.Sprintf("%d 秒", s)}
	case h == 0 && sec == 0:
		return Text{EN: fmt.Sprintf("%d min", m), ZH: fmt.Sprintf("%d 分钟", m)}
	case h == 0:
		return Text{EN: fmt.Sprintf("%d min %d s", m, sec), ZH: fmt.Sprintf("%d 分 %d 秒", m, sec)}
	case m == 0:
		return Text{EN: fmt.Sprintf("%d h", h), ZH: fmt.Sprintf("%d 小时", h)}
	}
	return Text{EN: fmt.Sprintf("%d h %d min", h, m), ZH: fmt.Sprintf("%d 小时 %d 分钟", h, m)}
}
