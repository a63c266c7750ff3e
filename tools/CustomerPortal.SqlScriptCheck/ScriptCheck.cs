namespace CustomerPortal.SqlScriptCheck;

/// <summary>
/// The check <c>.ci/run</c> runs on the generated SQL Server scripts: each must parse with no error and create exactly
/// the expected number of triggers. Problems are written as <c>error:</c> lines; the result is the exit code.
/// </summary>
public static class ScriptCheck
{
    public static int Run(IReadOnlyList<string> files, int expectedTriggers, TextWriter output, TextWriter error)
    {
        if (files.Count == 0)
        {
            error.WriteLine("error: usage: CustomerPortal.SqlScriptCheck SCRIPT.sql [SCRIPT.sql ...]");
            return 2;
        }
        var failed = false;
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                error.WriteLine($"error: {file}: no such file");
                failed = true;
                continue;
            }
            var report = TsqlScript.Parse(File.ReadAllText(file));
            foreach (var e in report.Errors) error.WriteLine($"error: {file}:{e.Line}:{e.Column}: {e.Message}");
            var triggersOk = report.Triggers.Count == expectedTriggers;
            if (!triggersOk)
            {
                error.WriteLine($"error: {file}: {report.Triggers.Count} CREATE TRIGGER statements parsed, expected " +
                    $"{expectedTriggers} (those of the SQL Server migrations)");
            }
            failed |= report.Errors.Count > 0 || !triggersOk;
            output.WriteLine($"{file}: {report.Errors.Count} parse errors, {report.Triggers.Count} CREATE TRIGGER " +
                $"(expected {expectedTriggers}): {string.Join(", ", report.Triggers)}");
        }
        return failed ? 1 : 0;
    }
}
