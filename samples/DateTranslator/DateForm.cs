namespace DateTranslatorSample;

/// <summary>The twelve written forms of a date the model learns (the comments show 3 March 1987, a Tuesday).</summary>
public enum DateForm
{
    DayMonthYear,          // 3 March 1987
    MonthDayYear,          // March 3, 1987
    WeekdayMonthDayYear,   // Tuesday, March 3, 1987
    DayMonYear,            // 3 Mar 1987
    MonDayYear,            // Mar 3, 1987
    Dotted,                // 03.03.1987
    Slashed,               // 1987/03/03
    OrdinalOfMonth,        // 3rd of March 1987
    UpperMonthDayYear,     // MARCH 3 1987
    LowerOrdinal,          // march 3rd, 1987
    WeekdayDayMonYear,     // Tue 3 Mar 1987
    YearMonthDay,          // 1987, March 3
}
