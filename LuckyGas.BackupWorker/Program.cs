using LuckyGas.BackupWorker;
using LuckyGas.BackupWorker.Endpoints;
using LuckyGas.BackupWorker.Restore;

if (RestoreCommand.IsRequested(args))
{
    return await RestoreCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

builder.AddBackupWorker();

var app = builder.Build();

app.UseInstanceHeader();

app.UseAuthentication();

app.UseAuthorization();

app.MapDefaultEndpoints();

app.MapBackupEndpoints();

app.Run();

return 0;
