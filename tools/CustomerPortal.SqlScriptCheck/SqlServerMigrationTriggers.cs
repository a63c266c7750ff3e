using System.Text.RegularExpressions;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace CustomerPortal.SqlScriptCheck;

/// <summary>
/// How many <c>CREATE TRIGGER</c> statements the SQL Server migrations run on their way up, read from the migrations'
/// own SQL (no script, no parser), so a script that lost a trigger — a migration left out, a trigger the parser cannot
/// see — is told apart from one that has them all.
/// </summary>
public static partial class SqlServerMigrationTriggers
{
    public static int CreatedByUp()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var migrations = db.GetService<IMigrationsAssembly>();
        var provider = db.Database.ProviderName!;
        return migrations.Migrations.Values
            .Select(type => migrations.CreateMigration(type, provider))
            .SelectMany(migration => migration.UpOperations.OfType<SqlOperation>())
            .Sum(operation => CreateTrigger().Count(operation.Sql));
    }

    [GeneratedRegex(@"\bCREATE\s+(?:OR\s+ALTER\s+)?TRIGGER\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CreateTrigger();
}
