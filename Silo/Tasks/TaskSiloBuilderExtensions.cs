using Ainur.Grains.Interfaces;
using Ainur.Grains.Tasks;
using Ainur.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Ainur.Silo.Tasks;

/// <summary>Registers paid tasks on a silo: the rules from <c>Ainur:Tasks</c>, metrics, reminders, the stream provider.</summary>
public static class TaskSiloBuilderExtensions
{
    /// <summary>Adds the task grains' services; their stores are registered with the rest of the storage.</summary>
    /// <exception cref="OptionsValidationException">The <c>Ainur:Tasks</c> section is unusable; every problem is listed.</exception>
    public static ISiloBuilder AddAinurTasks(this ISiloBuilder silo, AinurOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        var policy = options.Tasks.ToPolicy();
        var problems = policy.Validate();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(AinurOptions.Section, typeof(TaskOptions), problems);
        }

        silo.Services.TryAddSingleton(new TaskSettings { Policy = policy, ReminderPeriod = options.Tasks.ReminderPeriod });
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<TaskMetrics>();

        // Orleans refuses reminder periods under its minimum; a configured shorter period (tests) lowers the minimum.
        silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(o.MinimumReminderPeriod.Ticks, options.Tasks.ReminderPeriod.Ticks)));
        silo.AddMemoryStreams(AinurStreams.Provider);
        return silo;
    }
}
