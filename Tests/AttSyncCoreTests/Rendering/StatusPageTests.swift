import Foundation
import Testing

@testable import AttSyncCore

@Suite struct StatusPageTests {
    @Test func textFromOutsideIsInertOnThePage() {
        #expect(html(#"<script>alert("x")</script> & 'y'"#) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        #expect(html("a\u{1B}[2Jb") == "a\\u{1B}[2Jb", "no control character reaches the page")
    }

    @Test func theChartHasAPointPerDayWithItsRateAndNoScript() {
        let school = Configuration.School(
            urn: "100000", name: "<b>School</b>", source: .init(path: "x", views: [:], timeoutSeconds: 1), nonSchoolDays: [])
        let rates = [(Day("2026-11-26"), 0.95), (Day("2026-11-27"), 0.962)]
        let svg = StatusPage.chart(rates, school: school)
        #expect(svg.components(separatedBy: "<circle").count == 3)
        #expect(svg.contains("<title>Thu 26 Nov 2026: 95.0%</title>") && svg.contains("<title>Fri 27 Nov 2026: 96.2%</title>"))
        #expect(svg.contains("&lt;b&gt;School&lt;/b&gt;") && !svg.contains("<b>") && !svg.contains("<script"))
        #expect(StatusPage.chart([], school: school).contains("No figures accepted yet"))
        #expect(StatusPage.chart([rates[0]], school: school).contains("<circle"))
    }

    @Test func anEmptyPageIsStillAPage() {
        let page = StatusPage.render(
            [], asOf: Day("2026-11-27"), written: Date(timeIntervalSince1970: 0), timeZone: TimeZone(identifier: "UTC")!)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n") && !page.contains("<script"))
    }
}
