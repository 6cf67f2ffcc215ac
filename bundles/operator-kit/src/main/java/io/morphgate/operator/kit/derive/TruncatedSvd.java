package io.morphgate.operator.kit.derive;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The top {@code keep} singular triplets of a matrix, largest first, in doubles. When {@code keep} exceeds the
 * number of triplets the matrix has, the extra ones are zero, so a factorisation keeps the width its graph asked for
 * and the surplus filters simply contribute nothing.
 */
final class TruncatedSvd {
    private final double[] values;
    private final double[][] left;
    private final double[][] right;

    private TruncatedSvd(double[] values, double[][] left, double[][] right) {
        this.values = values;
        this.left = left;
        this.right = right;
    }

    /** Decomposes a row-major {@code rows x cols} matrix (the array is not modified). */
    static TruncatedSvd of(double[] rowMajor, int rows, int cols, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("must keep at least one singular triplet, got " + keep);
        }
        DMatrixRMaj m = new DMatrixRMaj(rows, cols, true, rowMajor.clone());
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, true, true, true);
        if (!svd.decompose(m)) {
            throw new ArithmeticException("SVD did not converge on a " + rows + "x" + cols + " kernel matrix");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        int available = Math.min(keep, Math.min(w.numRows, w.numCols));
        double[] s = new double[keep];
        double[][] a = new double[keep][rows];
        double[][] b = new double[keep][cols];
        for (int r = 0; r < available; r++) {
            s[r] = w.get(r, r);
            for (int i = 0; i < rows; i++) {
                a[r][i] = u.get(i, r);
            }
            for (int j = 0; j < cols; j++) {
                b[r][j] = v.get(j, r);
            }
        }
        return new TruncatedSvd(s, a, b);
    }

    /** Singular value r (zero beyond the matrix's rank bound). */
    double value(int r) {
        return values[r];
    }

    /** Left singular vector r, length rows. */
    double[] left(int r) {
        return left[r];
    }

    /** Right singular vector r, length cols. */
    double[] right(int r) {
        return right[r];
    }
}
