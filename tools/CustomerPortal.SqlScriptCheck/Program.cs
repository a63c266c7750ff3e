using CustomerPortal.SqlScriptCheck;

// Usage: CustomerPortal.SqlScriptCheck SCRIPT.sql [SCRIPT.sql ...] (the scripts `dotnet ef migrations script` wrote
// for SqlServerAppDbContext). Exit code 0 when every script parses and creates the migrations' triggers, 1 otherwise.
return ScriptCheck.Run(args, SqlServerMigrationTriggers.CreatedByUp(), Console.Out, Console.Error);
