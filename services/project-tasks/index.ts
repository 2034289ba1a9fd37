/** Runs the project-tasks subgraph alone. */
import { runService } from '../../lib/service-runtime';
import { projectTasksModule } from './module';

void runService(projectTasksModule);
