package hallq

// DefaultFloor returns the default hall of DESIGN.md, seeded on first start:
// three services open at any hour, five tiers, counters 1–3 for everyone and
// counter 4 as the VIP window. timeZone is the hall's IANA time zone.
func DefaultFloor(timeZone string) FloorState {
	all := []string{"A", "B", "C"}
	counter := func(id, zh string, vip bool) Counter {
		en := "Counter " + id
		if vip {
			en += " · VIP"
		}
		return Counter{ID: id, Name: Text{EN: en, ZH: zh}, Services: all, VIPFirst: vip, State: Closed}
	}
	return FloorState{
		Settings: Settings{
			Name:             Text{EN: "Service Hall", ZH: "服务大厅"},
			TimeZone:         timeZone,
			DayStart:         "00:00",
			VIPStreakCap:     3,
			RecallLimit:      3,
			RecallToleranceS: 600,
			PauseAlertS:      900,
		},
		Services: []Service{
			{ID: "A", Name: Text{EN: "Personal", ZH: "个人业务"}, Open: true, TargetWaitS: 900, ServiceTimeS: 300},
			{ID: "B", Name: Text{EN: "Business", ZH: "对公业务"}, Open: true, TargetWaitS: 1200, ServiceTimeS: 480},
			{ID: "C", Name: Text{EN: "Enquiries", ZH: "咨询"}, Open: true, TargetWaitS: 600, ServiceTimeS: 180},
		},
		Tiers: []Tier{
			{ID: "regular", Name: Text{EN: "Regular", ZH: "普通"}, Rank: 0, TargetWaitS: 1800},
			{ID: "priority", Name: Text{EN: "Priority", ZH: "优先"}, Rank: 1, HeadStartS: 900, TargetWaitS: 900, StaffOnly: true},
			{ID: "silver", Name: Text{EN: "Silver", ZH: "银卡"}, Rank: 2, HeadStartS: 300, TargetWaitS: 1500},
			{ID: "gold", Name: Text{EN: "Gold", ZH: "金卡"}, Rank: 3, HeadStartS: 900, TargetWaitS: 900},
			{ID: "platinum", Name: Text{EN: "Platinum", ZH: "白金卡"}, Rank: 4, HeadStartS: 1800, TargetWaitS: 600},
		},
		Counters: []Counter{
			counter("1", "1号窗口", false),
			counter("2", "2号窗口", false),
			counter("3", "3号窗口", false),
			counter("4", "4号窗口 · 贵宾", true),
		},
	}
}
