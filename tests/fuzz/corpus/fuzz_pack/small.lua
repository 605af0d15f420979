profile { name = "f", version = "1", dimensions = { fit = 1 },
  tiers = { {"A", 80}, {"B", 50} } }
fields { seats = "number", live = "bool" }
rule "big" { dimension = "fit", points = 10, when = field "seats" :gt(10) }
rule "fn" { dimension = "fit", points = 5,
  when = function(a) return (a.seats or 0) % 7 == 1 end }
exclude "dead" { when = field "live" :eq(false), reason = "gone" }
route { tier = "A", to = "ae" }
