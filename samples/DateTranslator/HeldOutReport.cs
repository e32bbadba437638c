using System.Globalization;
using Rnn;

namespace DateTranslatorSample;

/// <summary>Exact matches of one row of the report.</summary>
public sealed record FormScore(string Name, string Example, int Correct, int Total)
{
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;
}

/// <summary>
/// Exact match on held-out days, per form: the same days written in each of the twelve canonical forms, and once more
/// in random forms with random variations (case, padding, "Sept", "Thurs", spaces, …).
/// </summary>
public static class HeldOutReport
{
    public static List<FormScore> Run(Translator translator, DateOnly[] days, int perForm, int seed)
    {
        var rows = new List<FormScore>();
        int all = 0, allCorrect = 0;
        foreach (var form in DateText.Forms)
        {
            int correct = 0;
            for (int i = 0; i < perForm; i++)
                if (translator.Answer(DateText.Write(days[i], form, Variation.Canonical)) == DateText.Iso(days[i])) correct++;
            rows.Add(new FormScore(form.ToString(), "\"" + DateText.Example(form) + "\"", correct, perForm));
            all += perForm;
            allCorrect += correct;
        }

        var random = new RandomSource(Seeds.Derive(seed, Seeds.Report));
        int variedCorrect = 0;
        for (int i = 0; i < perForm; i++)
        {
            var form = DateText.Forms[random.NextInt(DateText.Forms.Length)];
            var variation = Variation.Draw(random);
            while (variation == Variation.Canonical) variation = Variation.Draw(random);
            if (translator.Answer(DateText.Write(days[i], form, variation)) == DateText.Iso(days[i])) variedCorrect++;
        }
        rows.Add(new FormScore("all twelve forms", "", allCorrect, all));
        rows.Add(new FormScore("with variations", "case, 03, Sept, Thurs, Mar., spaces…", variedCorrect, perForm));
        return rows;
    }

    public static void Print(IReadOnlyList<FormScore> rows)
    {
        int name = rows.Max(r => r.Name.Length), example = rows.Max(r => r.Example.Length);
        Console.WriteLine($"{"form".PadRight(name)}  {"example".PadRight(example)}  exact match");
        foreach (var r in rows)
        {
            if (r.Example.Length == 0) Console.WriteLine(new string('-', name + example + 23));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name.PadRight(name)}  {r.Example.PadRight(example)}  {r.Accuracy,7:P2}  ({r.Correct}/{r.Total})"));
        }
    }
}
