namespace CustomerPortal.SqlScriptCheck;

/// <summary>
/// Usage: <c>CustomerPortal.SqlScriptCheck SCRIPT.sql [SCRIPT.sql ...]</c>, the scripts `dotnet ef migrations script`
/// wrote for SqlServerAppDbContext. Exit code 0 when every script parses and creates the migrations' triggers.
/// (A class of its own, not top-level statements: the test projects also see the web project's <c>Program</c>.)
/// </summary>
internal static class Program
{
    private static int Main(string[] args) =>
        ScriptCheck.Run(args, SqlServerMigrationTriggers.CreatedByUp(), Console.Out, Console.Error);
}
