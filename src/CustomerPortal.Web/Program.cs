using CustomerPortal.Web.Hosting;
using Serilog;

Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPortal();
    var app = builder.Build();
    await app.PreparePortalAsync();
    app.UsePortal();
    await app.RunAsync();
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "The portal stopped because of an error at start");
    throw;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
