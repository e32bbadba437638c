using System.Globalization;
using System.Text;

namespace DateTranslatorSample;

/// <summary>Writes a date in one of the twelve forms, with a <see cref="Variation"/>; and the ISO 8601 text the model must answer.</summary>
public static class DateText
{
    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] Weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    public static readonly DateOnly First = new(1900, 1, 1);
    public static readonly DateOnly Last = new(2099, 12, 31);

    public static DateForm[] Forms { get; } = Enum.GetValues<DateForm>();

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The form as the issue names it: its rendering of 3 March 1987.</summary>
    public static string Example(DateForm form) => Write(new DateOnly(1987, 3, 3), form, Variation.Canonical);

    public static string Write(DateOnly date, DateForm form, Variation v)
    {
        int d = date.Day, m = date.Month, y = date.Year;
        // The form's own casing of names, unless the variation picks another.
        NameCase formCase = form switch { DateForm.UpperMonthDayYear => NameCase.Upper, DateForm.LowerOrdinal => NameCase.Lower, _ => NameCase.Title };
        NameCase names = v.Names == NameCase.Form ? formCase : v.Names;
        string month = Case(Months[m - 1], names);
        string mon = Case(MonthAbbreviation(m, v), names) + (v.AbbreviationPeriod && m != 5 ? "." : "");
        string weekday = Case(Weekdays[(int)date.DayOfWeek], names);
        string wkd = Case(WeekdayAbbreviation(date.DayOfWeek, v), names) + (v.AbbreviationPeriod ? "." : "");
        string day = v.Padding ? Two(d) : Number(d);
        string nth = Number(d) + Suffix(d);
        string plain = v.Ordinal ? nth : day;
        string comma = v.Commas ? "" : ",";
        string year = Number(y);

        string text = form switch
        {
            DateForm.DayMonthYear => $"{plain} {month} {year}",
            DateForm.MonthDayYear => $"{month} {plain}{comma} {year}",
            DateForm.WeekdayMonthDayYear => $"{weekday}{comma} {month} {plain}{comma} {year}",
            DateForm.DayMonYear => $"{plain} {mon} {year}",
            DateForm.MonDayYear => $"{mon} {plain}{comma} {year}",
            DateForm.Dotted => v.Padding ? $"{Number(d)}.{Number(m)}.{year}" : $"{Two(d)}.{Two(m)}.{year}",
            DateForm.Slashed => v.Padding ? $"{year}/{Number(m)}/{Number(d)}" : $"{year}/{Two(m)}/{Two(d)}",
            DateForm.OrdinalOfMonth => $"{nth} {Case("of", names == NameCase.Upper ? NameCase.Upper : NameCase.Lower)} {month} {year}",
            DateForm.UpperMonthDayYear => $"{month} {plain} {year}",
            DateForm.LowerOrdinal => $"{month} {nth}{comma} {year}",
            DateForm.WeekdayDayMonYear => $"{wkd}{(v.Commas ? "," : "")} {plain} {mon} {year}",
            DateForm.YearMonthDay => $"{year}{comma} {month} {plain}",
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, null),
        };

        if (v.Whole != NameCase.Form) text = Case(text, v.Whole);
        return new string(' ', v.Leading) + text + new string(' ', v.Trailing);
    }

    /// <summary>"st", "nd", "rd" or "th": 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 23rd, 31st.</summary>
    public static string Suffix(int day) => (day % 100) is >= 11 and <= 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };

    private static string MonthAbbreviation(int month, Variation v) => month switch
    {
        6 when v.LongAbbreviation => "June",
        7 when v.LongAbbreviation => "July",
        9 when v.LongAbbreviation => "Sept",
        _ => Months[month - 1][..3],
    };

    private static string WeekdayAbbreviation(DayOfWeek day, Variation v) => day switch
    {
        DayOfWeek.Tuesday when v.LongWeekday => "Tues",
        DayOfWeek.Wednesday when v.LongWeekday => "Weds",
        DayOfWeek.Thursday when v.LongWeekday => v.Thurs ? "Thurs" : "Thur",
        _ => Weekdays[(int)day][..3],
    };

    private static string Case(string text, NameCase c) => c switch
    {
        NameCase.Upper => text.ToUpperInvariant(),
        NameCase.Lower => text.ToLowerInvariant(),
        NameCase.Title => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant(),
        _ => text,
    };

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Two(int value) => value.ToString("00", CultureInfo.InvariantCulture);
}
