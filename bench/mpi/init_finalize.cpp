// mpi_init_finalize: what a user pays to get N ranks, and nothing else: each
// rank initializes MPI and finalizes it. bench_mpi_startup times
// `mpirun -np N mpi_init_finalize`; rank 0 prints "ranks N" so the run is checked.
#include <mpi.h>

#include <cstdio>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0) std::printf("ranks %d\n", size);
    MPI_Finalize();
    return 0;
}
