// The smallest AppHost that starts a process: the baseline that bench/startup.sh measures
// beside the platform. It logs "Baseline ready" once its one resource runs.
var builder = DistributedApplication.CreateBuilder(args);

var sleeper = builder.AddExecutable("sleeper", "sleep", ".", "infinity");

builder.Eventing.Subscribe<ResourceReadyEvent>(sleeper.Resource, (_, _) =>
{
    Console.WriteLine("Baseline ready");
    return Task.CompletedTask;
});

builder.Build().Run();
