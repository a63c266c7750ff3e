using System.Text;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.SqlScriptCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CustomerPortal.Infrastructure.Tests.Data;

/// <summary>
/// The SQL Server deployment scripts (what `dotnet ef migrations script` writes for SqlServerAppDbContext, idempotent
/// and plain) parse with Microsoft's T-SQL parser and create every trigger the migrations install; a broken copy fails
/// the check that .ci/run runs (tools/CustomerPortal.SqlScriptCheck). No server is needed: the scripts are generated
/// from the migrations by the design-time context.
/// </summary>
public sealed class SqlServerScriptTests
{
    private static string Script(MigrationsSqlGenerationOptions options)
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        return db.GetService<IMigrator>().GenerateScript(options: options);
    }

    [Theory]
    [InlineData(MigrationsSqlGenerationOptions.Idempotent)]
    [InlineData(MigrationsSqlGenerationOptions.Default)]
    public void TheScriptParsesAndCreatesEveryTriggerOfTheMigrations(MigrationsSqlGenerationOptions options)
    {
        var report = TsqlScript.Parse(Script(options));

        Assert.Empty(report.Errors);
        Assert.Equal(SqlServerMigrationTriggers.CreatedByUp(), report.Triggers.Count);
        // SitesVersionCoversTheirInvoices drops and creates TR_Sites_Version again: 4 CREATE TRIGGERs, 3 triggers.
        Assert.Equal(4, report.Triggers.Count);
        Assert.Equal(
            [InvoiceTotalsTriggers.Name, InvoiceTotalsTriggers.VersionTriggerSqlServer,
                InvoiceTotalsTriggers.SitesVersionTriggerSqlServer],
            report.Triggers.Distinct().Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void TheCheckPassesTheGeneratedScript()
    {
        var (exit, output, errors) = Check(Script(MigrationsSqlGenerationOptions.Idempotent));

        Assert.Equal(0, exit);
        Assert.Equal("", errors);
        var expected = SqlServerMigrationTriggers.CreatedByUp();
        Assert.Contains($": 0 parse errors, {expected} CREATE TRIGGER (expected {expected})", output);
    }

    [Fact]
    public void ATriggerLeftOutsideExecFailsTheCheckWithSyntaxErrors()
    {
        // The script as it was before the triggers went into EXEC: CREATE TRIGGER inside EF's IF ... BEGIN ... END.
        var script = Script(MigrationsSqlGenerationOptions.Idempotent);
        var broken = Unwrapped(script, script.IndexOf("EXEC(N'CREATE TRIGGER", StringComparison.Ordinal));

        var (exit, _, errors) = Check(broken);

        Assert.Equal(1, exit);
        Assert.Contains("Incorrect syntax near 'CREATE'.", errors);
        Assert.Contains("Incorrect syntax near 'TRIGGER'.", errors);
    }

    [Fact]
    public void AScriptThatLostItsTriggersFailsTheCount()
    {
        // Each trigger's EXEC replaced by a statement that runs (an IF block may not be empty): valid, but no trigger.
        var script = Script(MigrationsSqlGenerationOptions.Idempotent);
        int at;
        while ((at = script.IndexOf("EXEC(N'CREATE TRIGGER", StringComparison.Ordinal)) >= 0)
            script = script[..at] + "SELECT 1;" + script[ExecEnd(script, at)..];
        Assert.Empty(TsqlScript.Parse(script).Errors);

        var (exit, _, errors) = Check(script);

        Assert.Equal(1, exit);
        var expected = SqlServerMigrationTriggers.CreatedByUp();
        Assert.Contains($"0 CREATE TRIGGER statements parsed, expected {expected}", errors);
    }

    [Fact]
    public void AnErrorInsideATriggersExecIsFoundAtItsLineOfTheScript()
    {
        var script = Script(MigrationsSqlGenerationOptions.Idempotent);
        var at = script.IndexOf("EXEC(N'CREATE TRIGGER", StringComparison.Ordinal);
        var nocount = script.IndexOf("SET NOCOUNT ON;", at, StringComparison.Ordinal);
        var broken = script.Remove(nocount, "SET NOCOUNT ON;".Length).Insert(nocount, "SET NOCOUNT;");
        var line = broken[..nocount].Count(c => c == '\n') + 1;

        var report = TsqlScript.Parse(broken);

        var error = Assert.Single(report.Errors);
        Assert.Equal(line, error.Line);
    }

    [Fact]
    public void ExecKeepsQuotesAndMakesATriggerValidInsideAnIfBlock()
    {
        var trigger = """
            CREATE TRIGGER [TR_Quoted] ON [Sites] AFTER UPDATE AS
            BEGIN
                SET NOCOUNT ON;
                UPDATE [Sites] SET [Name] = N'O''Brien''s site' WHERE [Name] = N'it''s' AND 1 = 0;
            END
            """;
        var inIf = (string body) => $"IF 1 = 1\nBEGIN\n    {body}\nEND;\n";

        Assert.NotEmpty(TsqlScript.Parse(inIf(trigger)).Errors);
        var wrapped = TsqlScript.Parse(inIf(SqlServerMigrationSql.Exec(trigger)));
        Assert.Empty(wrapped.Errors);
        Assert.Equal(["TR_Quoted"], wrapped.Triggers);
    }

    private static (int Exit, string Output, string Errors) Check(string script)
    {
        var file = Path.Combine(Path.GetTempPath(), "cp-sqlserver-" + Guid.NewGuid().ToString("N") + ".sql");
        File.WriteAllText(file, script, Encoding.UTF8);
        try
        {
            using var output = new StringWriter();
            using var errors = new StringWriter();
            var exit = ScriptCheck.Run([file], SqlServerMigrationTriggers.CreatedByUp(), output, errors);
            return (exit, output.ToString(), errors.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The script with the <c>EXEC(N'…');</c> at <paramref name="at"/> replaced by what it runs.</summary>
    private static string Unwrapped(string script, int at)
    {
        var end = ExecEnd(script, at);
        var literal = script[(at + "EXEC(N'".Length)..(end - "');".Length)];
        return script[..at] + literal.Replace("''", "'", StringComparison.Ordinal) + script[end..];
    }

    /// <summary>Where the <c>EXEC(N'…');</c> starting at <paramref name="at"/> ends (after its <c>');</c>).</summary>
    private static int ExecEnd(string script, int at)
    {
        var i = at + "EXEC(N'".Length;
        while (true)
        {
            i = script.IndexOf('\'', i);
            if (script[i + 1] != '\'') break;
            i += 2;
        }
        Assert.Equal("');", script.Substring(i, 3));
        return i + 3;
    }
}
